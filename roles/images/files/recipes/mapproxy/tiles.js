// The cache file of a TMS request, /tms/1.0.0/<layer>/<grid>/<z>/<x>/<y>.<ext>, for nginx's try_files (tiles.conf).
// MapProxy's TMS level z is the grid's level z + 1 (its TMS profiles start at the level of 2 x 1 or 2 x 2 tiles) and
// its rows count from the bottom, while the cache (directory layout tms, the grids' origin at the top left) counts
// them from the top. Rows of the grid at level L: 2^L (GoogleMapsCompatible), 2^(L-1) (EPSG4326, 1 at level 0).
// Anything else gives /-, a file that is not there, so the request goes to MapProxy.
var GRIDS = {
    GoogleMapsCompatible: { dir: 'EPSG3857', rows: function (level) { return Math.pow(2, level); } },
    EPSG4326: { dir: 'EPSG4326', rows: function (level) { return level === 0 ? 1 : Math.pow(2, level - 1); } }
};
var TMS = /^\/tms\/1\.0\.0\/([A-Za-z][A-Za-z0-9_-]*)\/([A-Za-z0-9_]+)\/([0-9]{1,2})\/([0-9]{1,8})\/([0-9]{1,8})\.(png|jpeg)$/;

function tms_file(r) {
    var m = r.uri.match(TMS);
    if (!m || !Object.prototype.hasOwnProperty.call(GRIDS, m[2])) {
        return '/-';
    }
    var grid = GRIDS[m[2]];
    var level = parseInt(m[3], 10) + 1;
    var rows = grid.rows(level);
    var y = parseInt(m[5], 10);
    if (y >= rows) {
        return '/-';
    }
    return '/' + m[1] + '_' + grid.dir + '/' + level + '/' + parseInt(m[4], 10) + '/' + (rows - 1 - y) + '.' + m[6];
}

export default { tms_file };
