"""The CLI's sub-commands: explore, summary, export, and their options."""
