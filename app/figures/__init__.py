"""Plotly figure builders: pure functions, results in, a figure out.

One module per topic, plus the shared pieces: :mod:`figures.palette` (every
colour and mark, and which cluster gets which colour), :mod:`figures.theme`
(font sizes, marker sizes) and :mod:`figures.grid` (the area a map shows and a
grid over it). No builder fits or evaluates a model or reads a widget: pages
pass the labels, centroids and predictions, so every figure can be tested
without a server.
"""
