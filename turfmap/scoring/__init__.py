"""Pure scoring functions: inputs in, scores and their explanations out (no Flask, no DB)."""
