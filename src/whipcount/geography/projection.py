"""The Equal Earth map projection (Šavrič, Patterson and Jenny 2018).

An equal-area pseudocylindrical projection: with ``θ = asin(√3/2 · sin φ)``,

    x = 2√3 λ cos θ / (3 (9 A4 θ⁸ + 7 A3 θ⁶ + 3 A2 θ² + A1))
    y = A4 θ⁹ + A3 θ⁷ + A2 θ³ + A1 θ

with ``A1 = 1.340264``, ``A2 = -0.081106``, ``A3 = 0.000893``, ``A4 = 0.003796`` and λ, φ
in radians.  Coordinates are in Earth radii, so an area in the plane times ``R²`` is the
area on the sphere.

Reference: B. Šavrič, T. Patterson, B. Jenny (2019), "The Equal Earth map projection",
*International Journal of Geographical Information Science* 33(3), 454-465,
doi:10.1080/13658816.2018.1504949.
"""

from __future__ import annotations

import numpy as np

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = np.sqrt(3.0) / 2.0

#: The mean radius of the Earth in kilometres (to turn projected areas into km²).
EARTH_RADIUS_KM = 6371.0088


def equal_earth(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project longitudes and latitudes (degrees) to Equal Earth ``x, y`` (Earth radii)."""
    lam = np.radians(np.asarray(lon, dtype=float))
    theta = np.arcsin(_M * np.sin(np.radians(np.asarray(lat, dtype=float))))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * np.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y
