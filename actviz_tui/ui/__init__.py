"""The Textual app: screens, views and widgets on top of the core (never the other way)."""
