"""Pure normalisers for agency values (placeholder; the public API is re-exported below)."""
