"""Plotly figure builders: pure functions, arrays or a fitted estimator in, a figure out.

One module per topic. None of them fits a model or reads a widget, so every
figure can be tested without a server.
"""
