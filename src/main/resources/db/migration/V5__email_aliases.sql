-- E-mail addresses are stored and looked up in lower case from now on (records and aliases alike):
-- an alias spelt with capitals gets its lower-case twin, and keeps its spelling for the records
-- stored before.
INSERT INTO aliases (alias, person, created_ms)
SELECT lower(alias), min(person), min(created_ms) FROM aliases
WHERE alias <> lower(alias) AND alias LIKE '_%@_%' AND alias NOT LIKE '%@%@%'
  AND alias NOT LIKE '%:%' AND alias NOT LIKE '%/%' AND alias NOT LIKE '% %'
  AND lower(alias) NOT IN (SELECT alias FROM aliases)
GROUP BY lower(alias);
