"""Reading what people type and upload, shared by the imports and the workspace:
text cells and their formula guard, CSV files."""
