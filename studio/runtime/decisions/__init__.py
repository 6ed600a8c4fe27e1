"""DMN 1.3 decision tables compiled once and evaluated on plain data (no IO).

Input entries are FEEL unary tests (`unary`); input expressions, the values inside the tests
and output entries are expressions of the studio's language (`studio.expressions`).
"""

from studio.runtime.decisions.errors import DecisionError
from studio.runtime.decisions.table import CompiledTable, compile_table
from studio.runtime.decisions.unary import UnaryTest, compile_unary

__all__ = ["CompiledTable", "DecisionError", "UnaryTest", "compile_table", "compile_unary"]
