"""教育扶贫 (DESIGN §3): see docs/adding-a-sector-app.md."""
