// The plotly.js that vizlib pages embed: plotly's core with the trace types vizlib draws.
//
// This mirrors plotly.js/src/core.js but registers only the components a
// cartesian chart of vizlib uses (no sliders, update menus, range sliders,
// range selectors, layout images or 3-d annotations). Scattergl is plotly's
// "strict" variant, whose WebGL programs are precompiled, so the bundle never
// builds code from strings and the page's CSP needs no 'unsafe-eval'.
'use strict';

var Registry = require('plotly.js/src/registry');
var plotApi = require('plotly.js/src/plot_api');

require('native-promise-only');
require('plotly.js/build/plotcss');

exports.version = require('plotly.js/src/version').version;
exports.register = Registry.register;

Object.keys(plotApi).forEach(function (name) {
    if (name.charAt(0) !== '_') exports[name] = plotApi[name];
    Registry.register({moduleType: 'apiMethod', name: name, fn: plotApi[name]});
});

Registry.register([
    require('plotly.js/src/traces/scatter'),
    require('plotly.js/src/traces/bar'),
    require('plotly.js/src/traces/scattergl/strict'),
]);

Registry.register([
    require('plotly.js/src/components/annotations'),
    require('plotly.js/src/components/selections'),
    require('plotly.js/src/components/shapes'),
    require('plotly.js/src/components/grid'),
    require('plotly.js/src/components/errorbars'),
    require('plotly.js/src/components/colorscale'),
    require('plotly.js/src/components/colorbar'),
    require('plotly.js/src/components/legend'), // after shapes: legend defaults read them
    require('plotly.js/src/components/fx'), // after legend: unified hover defaults read it
    require('plotly.js/src/components/modebar'),
]);

Registry.register([require('plotly.js/src/locale-en'), require('plotly.js/src/locale-en-us')]);

exports.Icons = require('plotly.js/src/fonts/ploticon');
