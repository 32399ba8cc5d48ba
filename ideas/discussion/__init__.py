"""Comments on an idea: safe Markdown and @mentions."""
