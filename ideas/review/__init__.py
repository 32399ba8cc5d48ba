"""The mentor's review: feasibility, safety assessment, research triage, pilot plan."""
