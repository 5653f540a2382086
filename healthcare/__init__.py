"""卫生健康与医疗保障 (DESIGN §3): see docs/adding-a-sector-app.md."""
