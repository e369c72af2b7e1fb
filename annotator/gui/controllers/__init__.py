"""The window's feature wiring: one small controller per job, created by the main window."""
