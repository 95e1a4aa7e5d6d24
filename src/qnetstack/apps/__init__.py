"""Applications: QKD, teleportation, CHSH, GHZ (planned)."""
