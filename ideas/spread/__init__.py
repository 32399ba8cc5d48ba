"""Scale-up and sustainment: the target units a change spreads to, and the checks that it held."""
