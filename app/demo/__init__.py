"""The Brightloop demo company: its knowledge base and a seeded generator of its journey data."""
