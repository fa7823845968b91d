"""fazhi-analysis: figures of 法治政府建设情况报告 as one tidy, checked table, analysed and reported."""

__version__ = "0.1.0"
