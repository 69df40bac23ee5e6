package auth

// Levels lists the unit levels, from the top of the tree down.
var Levels = []Level{LevelProvince, LevelDepartment, LevelDistrict, LevelCommune}
