"""The walking order of one turf: a route along the streets through every door.

Each unit (a street segment's doors, turf/network.py) is walked end to end, in
one direction or the other, doors on both sides as they come; the order of the
units and the direction of each is a small travelling-salesman problem with a
choice of direction per unit, solved with Google OR-Tools' routing solver (one
of a pair of nodes per unit, by disjunction). The walk starts at the meeting
point where there is one, and ends wherever the last door is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from shapely.ops import substring

from turfmap.turf.network import Network, Unit

SEARCH_MARGIN_M = 1000.0
UNREACHABLE = 10_000_000  # metres: "do not go this way" to the solver


@dataclass
class Walk:
    doors: list[int]  # door indices in walking order
    metres: float  # along the streets, from the start (or the first door)
    line: object  # the route as a projected LineString (None for a single point)
    covered: list = field(default_factory=list)  # the streets walked past doors


@dataclass
class Place:
    """A point on the network: an edge and a distance along it."""

    edge: int
    offset: float


def walk_units(
    network: Network, units: list[Unit], start: Place | None = None, *, seconds: float = 0.2
) -> Walk:
    ends = _unit_ends(units)
    edges = {u.edge for u in units} | ({start.edge} if start else set())
    nodes = sorted({int(n) for e in edges for n in (network.u[e], network.v[e])})
    # The search stops at three times the turf's width (plus a margin): a detour
    # longer than that is no way to walk a turf, and a place beyond it is reached
    # in a straight line. This keeps a 40,000-door seat's cut inside its time.
    box = shapely.bounds(shapely.union_all(network.lines[sorted(edges)]))
    limit = 3 * float(np.hypot(box[2] - box[0], box[3] - box[1])) + SEARCH_MARGIN_M
    distances, predecessors = network.distances_from(nodes, limit=limit, return_predecessors=True)
    row_of = {node: i for i, node in enumerate(nodes)}

    def between(p: Place, q: Place) -> float:
        return _network_distance(network, distances, row_of, p, q)

    order = _solve(network, units, distances, row_of, between, start, seconds)
    door_order, metres, pieces, covered, here = [], 0.0, [], [], start
    for unit_index, forward in order:
        unit = units[unit_index]
        entry, leave = ends[unit_index] if forward else ends[unit_index][::-1]
        if here is not None:
            metres += between(here, entry)
            pieces.append(_path_line(network, predecessors, row_of, distances, here, entry))
        metres += abs(leave.offset - entry.offset)
        pieces.append(_along(network, entry.edge, entry.offset, leave.offset))
        if len(pieces[-1]) >= 2:
            covered.append(shapely.LineString(pieces[-1]))
        door_order.extend(unit.doors.tolist() if forward else unit.doors[::-1].tolist())
        here = leave
    coords = [xy for piece in pieces if piece is not None for xy in piece]
    line = shapely.LineString(coords) if len(coords) >= 2 else None
    return Walk(door_order, float(metres), line, covered)


def _unit_ends(units: list[Unit]) -> list[tuple[Place, Place]]:
    return [(Place(u.edge, u.start), Place(u.edge, u.end)) for u in units]


def _network_distance(network, distances, row_of, p: Place, q: Place) -> float:
    """Along the streets; where the network has no way between them (a village
    whose roads leave the extract), the straight line between the two."""
    if p.edge == q.edge:
        return abs(p.offset - q.offset)
    metres = _via_ends(network, distances, row_of, p, q)[0]
    return metres if np.isfinite(metres) else _point(network, p).distance(_point(network, q))


def _point(network: Network, place: Place):
    return network.lines[place.edge].interpolate(place.offset)


def _via_ends(network, distances, row_of, p: Place, q: Place) -> tuple[float, int, int]:
    """The shortest way from p to q that leaves p's edge and joins q's: its length,
    and the end nodes it leaves and joins by."""
    best = (np.inf, -1, -1)
    for p_node, p_cost in _ends_of(network, p):
        row = distances[row_of[p_node]]
        for q_node, q_cost in _ends_of(network, q):
            best = min(best, (float(p_cost + row[q_node] + q_cost), p_node, q_node))
    return best


def _ends_of(network: Network, place: Place):
    length = network.length[place.edge]
    return ((int(network.u[place.edge]), place.offset),
            (int(network.v[place.edge]), length - place.offset))  # fmt: skip


def _solve(network, units, distances, row_of, between, start, seconds) -> list[tuple[int, bool]]:
    """(unit, forwards?) in walking order. Solver node 2i walks unit i forwards
    (from its first door to its last), 2i + 1 backwards."""
    n = len(units)
    if n == 1:
        return [(0, True)]
    first = np.array([u.start for u in units])
    last = np.array([u.end for u in units])
    edge = np.repeat([u.edge for u in units], 2)
    entry = np.column_stack([first, last]).ravel()  # node 2i enters at first, 2i+1 at last
    leave = np.column_stack([last, first]).ravel()
    inside = np.abs(leave - entry)
    cost = np.zeros((2 * n + 2, 2 * n + 2), dtype=np.int64)
    walk = _place_matrix(network, distances, row_of, edge, leave, edge, entry) + inside[None, :]
    same_unit = (np.arange(2 * n)[:, None] // 2) == (np.arange(2 * n)[None, :] // 2)
    cost[: 2 * n, : 2 * n] = np.where(same_unit, UNREACHABLE, np.minimum(walk, UNREACHABLE))
    depot, finish = 2 * n, 2 * n + 1  # solve_open_path's start and finish nodes
    for i in range(2 * n):
        reach = between(start, Place(int(edge[i]), float(entry[i]))) if start else 0.0
        cost[depot, i] = round(reach + inside[i])
    cost[depot, finish] = UNREACHABLE
    pairs = [(2 * unit, 2 * unit + 1) for unit in range(n)]
    return [(node // 2, node % 2 == 0) for node in solve_open_path(cost, pairs, seconds)]


def _place_matrix(network, distances, row_of, from_edge, from_offset, to_edge, to_offset):
    """Walking metres from each place (edge, offset) of one list to each of another,
    by either end of each edge, or along the edge where both are on it; the straight
    line where the network has no way between them."""
    rows = (
        np.array([row_of[int(n)] for n in network.u[from_edge]]),
        np.array([row_of[int(n)] for n in network.v[from_edge]]),
    )
    from_cost = from_offset, network.length[from_edge] - from_offset
    to_nodes = network.u[to_edge], network.v[to_edge]
    to_cost = to_offset, network.length[to_edge] - to_offset
    best = np.full((len(from_edge), len(to_edge)), np.inf)
    for a in (0, 1):
        for b in (0, 1):
            via = distances[rows[a]][:, to_nodes[b]]
            best = np.minimum(best, from_cost[a][:, None] + via + to_cost[b][None, :])
    same = from_edge[:, None] == to_edge[None, :]
    best = np.where(same, np.minimum(best, np.abs(from_offset[:, None] - to_offset[None, :])), best)
    if not np.isfinite(best).all():
        a_xy = _coords(network, from_edge, from_offset)
        b_xy = _coords(network, to_edge, to_offset)
        straight = np.hypot(*(a_xy[:, None, :] - b_xy[None, :, :]).transpose(2, 0, 1))
        best = np.where(np.isfinite(best), best, straight)
    return np.round(best).astype(np.int64)


def _coords(network, edges, offsets) -> np.ndarray:
    return shapely.get_coordinates(shapely.line_interpolate_point(network.lines[edges], offsets))


def solve_open_path(cost: np.ndarray, pairs, seconds: float) -> list[int]:
    """OR-Tools: the cheapest path from node n-2 (the start) to node n-1 (anywhere:
    every arc into it costs 0) through one node of each of ``pairs`` (or, with
    ``pairs`` None, every other node)."""
    size = len(cost)
    depot, finish = size - 2, size - 1
    manager = pywrapcp.RoutingIndexManager(size, 1, [depot], [finish])
    routing = pywrapcp.RoutingModel(manager)
    # A matrix, not a Python callback: the solver reads it without calling back.
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(cost.tolist()))
    for pair in pairs or []:  # visit one of each pair: a unit walked one way or the other
        routing.AddDisjunction([manager.NodeToIndex(node) for node in pair], UNREACHABLE * 10, 1)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    # Greedy descent stops at the first local optimum. Guided local search keeps
    # improving for as long as it is allowed: on the Rutland turfs (80 doors), 0.4%
    # shorter walks for 0.2 s a turf instead of ~5 ms, so it is not worth its time.
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    )
    parameters.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        raise RuntimeError("OR-Tools found no walking order")
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node < depot:
            order.append(node)
        index = solution.Value(routing.NextVar(index))
    return order


def walk_points(xy: np.ndarray, start=None, *, seconds: float = 0.2) -> Walk:
    """Street-blind: the shortest straight-line path through the points, from
    ``start`` (x, y) or from whichever point suits."""
    n = len(xy)
    if n == 1:
        return Walk([0], 0.0, None)
    between = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    cost = np.zeros((n + 2, n + 2), dtype=np.int64)
    cost[:n, :n] = np.round(between)
    if start is not None:
        cost[n, :n] = np.round(np.hypot(*(xy - np.asarray(start)).T))
    cost[n, n + 1] = UNREACHABLE
    order = solve_open_path(cost, None, seconds)
    path = xy[order]
    metres = float(np.hypot(*np.diff(path, axis=0).T).sum())
    if start is not None:
        metres += float(np.hypot(*(path[0] - np.asarray(start))))
    return Walk(order, metres, shapely.LineString(path))


def _along(network: Network, edge: int, a: float, b: float):
    if abs(a - b) < 0.01:
        point = network.lines[edge].interpolate(a)
        return [(point.x, point.y)]
    piece = substring(network.lines[edge], min(a, b), max(a, b))
    coords = list(piece.coords)
    return coords if a <= b else coords[::-1]


def _path_line(network, predecessors, row_of, distances, p: Place, q: Place):
    """Coordinates from p to q along the shortest path the distance came from."""
    if p.edge == q.edge:
        return _along(network, p.edge, p.offset, q.offset)
    metres, p_node, q_node = _via_ends(network, distances, row_of, p, q)
    if not np.isfinite(metres):
        return [tuple(_point(network, p).coords[0]), tuple(_point(network, q).coords[0])]
    nodes = [q_node]
    pred = predecessors[row_of[p_node]]
    while nodes[-1] != p_node and pred[nodes[-1]] >= 0:
        nodes.append(int(pred[nodes[-1]]))
    nodes.reverse()
    coords = _along(
        network, p.edge, p.offset, 0 if p_node == network.u[p.edge] else network.length[p.edge]
    )
    for a, b in zip(nodes, nodes[1:], strict=False):
        coords.extend(network.edge_coords(a, b))
    q_start = 0 if q_node == network.u[q.edge] else network.length[q.edge]
    coords.extend(_along(network, q.edge, q_start, q.offset))
    return coords
