"""The running pilot: PDSA cycles, observations per measure, chart phases and settings."""
