"""Import pipelines: read files, check and clean them, report, and load them into the
store in one transaction, only when asked to commit. The CLI and the coordinator
upload both call these functions."""
