"""The Qt user interface: widgets, dialogs, item models and background workers."""
