"""Scores the diabetes sample: a linear regression over rows of 10 standardized features.

Shaped like Azure ML's diabetes example (init loads the model once, run scores a JSON body of
{"data": [[...10 numbers...], ...]}), with the coefficients in model.json so that only the
Python standard library is needed.
"""

import json
import math

from azureml.core.model import Model

FEATURES = 10
model = None


def init():
    global model
    with open(Model.get_model_path('diabetes'), encoding='utf-8') as file:
        model = json.load(file)
    if len(model['coefficients']) != FEATURES:
        raise ValueError('model.json must hold %d coefficients' % FEATURES)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def read_rows(raw_data):
    try:
        body = json.loads(raw_data)
    except ValueError as exc:
        raise ValueError('body must be JSON like {"data": [[10 numbers], ...]}: %s' % exc) from None
    rows = body.get('data') if isinstance(body, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ValueError('body must be {"data": [[10 numbers], ...]} with at least one row')
    for index, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != FEATURES or not all(map(is_number, row)):
            raise ValueError('data[%d] must be a list of %d numbers' % (index, FEATURES))
    return rows


def run(raw_data):
    rows = read_rows(raw_data)
    weights = model['coefficients']
    intercept = model['intercept']
    return [intercept + sum(w * x for w, x in zip(weights, row)) for row in rows]
