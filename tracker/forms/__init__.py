"""Form fields and validators that every domain's forms share. Part of the shared kernel:
it imports nothing from the domains."""
