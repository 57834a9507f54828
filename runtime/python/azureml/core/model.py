"""Answers Model.get_model_path() from the models Shipmate deployed with this replica.

The runner passes SHIPMATE_MODEL_PATHS, a JSON object mapping each model name to the folder
of the deployed version. Like Azure ML, a folder that holds a single model file yields that
file; any other folder yields the folder itself.
"""

import json
import os

_IGNORED_NAMES = ('inferenceconfig.json', '__pycache__')


class ModelNotFoundException(Exception):
    """Raised when an entry script asks for a model that was not deployed with it."""


def _registered():
    text = os.environ.get('SHIPMATE_MODEL_PATHS', '').strip() or '{}'
    try:
        paths = json.loads(text)
    except ValueError as exc:
        raise ModelNotFoundException('SHIPMATE_MODEL_PATHS is not valid JSON: %s' % exc)
    if not isinstance(paths, dict):
        raise ModelNotFoundException('SHIPMATE_MODEL_PATHS must be a JSON object of name: folder')
    return paths


def _counts(folder, entry):
    # Not part of the model: its deployment config, the entry script and its source directory.
    if entry in _IGNORED_NAMES or entry.startswith('.'):
        return False
    if entry == os.path.basename(os.environ.get('SHIPMATE_ENTRY_SCRIPT', '')):
        return False
    source_dir = os.environ.get('SHIPMATE_SOURCE_DIR', '')
    path = os.path.join(folder, entry)
    return not (source_dir and os.path.normpath(path) == os.path.normpath(source_dir))


def _resolve(folder):
    folder = os.path.abspath(folder)
    entries = [entry for entry in os.listdir(folder) if _counts(folder, entry)]
    if len(entries) == 1 and os.path.isfile(os.path.join(folder, entries[0])):
        return os.path.join(folder, entries[0])
    return folder


class Model(object):
    """The scoring-time face of azureml.core.model.Model; workspace operations do not exist."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            'Model(workspace, ...) needs an Azure ML workspace; '
            'inside a Shipmate deployment use Model.get_model_path(name)')

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        """Return the deployed model's single file, or its folder when it holds several."""
        paths = _registered()
        folder = paths.get(model_name)
        if not isinstance(folder, str):
            names = ', '.join(sorted(paths)) or 'none'
            raise ModelNotFoundException(
                'Model %r is not deployed with this service; registered models: %s'
                % (model_name, names))
        deployed = os.path.basename(os.path.normpath(folder))
        if version is not None and deployed.isdigit() and str(version) != deployed:
            raise ModelNotFoundException(
                'Model %r version %s is not deployed with this service; deployed version: %s'
                % (model_name, version, deployed))
        return _resolve(folder)
