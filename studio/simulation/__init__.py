"""Simulation: the case and process engines driven in virtual time by a discrete-event loop,
against sample data, with streamed statistics and reports. Imports neither Flask nor SQLAlchemy."""
