"""A third-party swap policy for qnetstack: swap the freshest halves first."""

from freshest_swap.policy import FreshestConfig, FreshestFirst

__all__ = ["FreshestConfig", "FreshestFirst"]
