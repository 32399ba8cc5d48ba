"""The quality committee: meetings, voting rounds, gate decisions, conditions."""
