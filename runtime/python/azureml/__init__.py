"""Shipmate's stand-in for the parts of the Azure ML SDK that entry scripts use at scoring time."""
