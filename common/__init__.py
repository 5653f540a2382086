"""Small helpers every app shares (navigation, forms, bulk writes, history). No domain code and no models."""
