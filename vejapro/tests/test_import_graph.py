"""No import cycles between first-party modules, function-level imports included (ARCHITECTURE.md).

The layer rules themselves are import-linter contracts in pyproject.toml, run by ``make test``; this test adds what
a contract cannot say: no module reaches itself again through its imports."""

import grimp

ROOT_PACKAGES = ("vejapro", "projects", "payments", "messaging", "finance", "portals")


def _is_production_module(name: str) -> bool:
    parts = name.split(".")
    return "tests" not in parts and "migrations" not in parts


def import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph(*ROOT_PACKAGES, cache_dir=None)
    modules = {name for name in graph.modules if _is_production_module(name)}
    return {name: graph.find_modules_directly_imported_by(name) & modules for name in modules}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative so deep graphs cannot overflow)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    return cycles


def test_the_finder_reports_a_cycle_and_only_the_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert import_cycles(graph) == [["a", "b", "c"]]


def test_the_graph_sees_function_level_imports():
    graph = import_graph()

    # vejapro.backoffice.site imports its views inside get_urls (they register with the site as they load).
    assert "vejapro.backoffice.views" in graph["vejapro.backoffice.site"]


def test_no_import_cycles_between_modules():
    assert import_cycles(import_graph()) == []
