"""Lets entry scripts write `from azureml.core import Model` as they do on Azure ML."""

from azureml.core.model import Model, ModelNotFoundException

__all__ = ['Model', 'ModelNotFoundException']
