-- The map's aggregation (issue 15): incidents in a box, counted per grid cell or
-- listed as points. The box's longitude range (and its latitude) is read through
-- this index instead of every row when the box is small.
CREATE INDEX IF NOT EXISTS incidents_lon_lat ON incidents (longitude, latitude);
