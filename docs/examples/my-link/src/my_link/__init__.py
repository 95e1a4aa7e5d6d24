"""A toy link-layer protocol for qnetstack."""
