"""The pipeline board: every stage a column, filtered as the user types, each column paged by keyset."""
