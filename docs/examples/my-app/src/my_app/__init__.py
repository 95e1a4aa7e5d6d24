"""A worked third-party application plugin for qnetstack: shared random bits."""
