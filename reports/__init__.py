"""The district dashboard, data-quality problem lists and the inspection pack (DESIGN §3)."""
