"""Transport layer: qubit delivery by teleportation (planned)."""
