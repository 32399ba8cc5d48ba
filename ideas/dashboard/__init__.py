"""The dashboard for the committee and administrators: the pipeline's figures, filtered by site and unit."""
