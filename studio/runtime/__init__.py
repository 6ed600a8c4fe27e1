"""The runtime: the case engine (an IO-free core), its clock, stores and jobs."""
