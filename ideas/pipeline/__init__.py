"""Ideas and their way through the pipeline: the rules, the identifier guard, the mentee's pages."""
