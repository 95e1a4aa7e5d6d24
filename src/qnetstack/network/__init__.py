"""Network layer: entanglement swapping, purification, cutoffs and routing (planned)."""
