"""Similar ideas while a mentee writes: full-text search the database keeps up to date."""
