"""Hyper-parameter sweeps: a grid of settings times seeds, trained in worker processes or on Ray."""
