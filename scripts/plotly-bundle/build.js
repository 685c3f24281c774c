// Bundle entry.js into vizlib/standalone/vendor/ with plotly.js's license and version.
'use strict';

var fs = require('fs');
var path = require('path');
var esbuild = require('esbuild');

var vendor = path.resolve(__dirname, '../../vizlib/standalone/vendor');
var plotly = path.dirname(require.resolve('plotly.js/package.json'));
var version = require('plotly.js/package.json').version;
var traces = 'scatter, bar, scattergl (strict)';
var out = path.join(vendor, 'plotly-partial.min.js');

esbuild
    .build({
        entryPoints: [path.join(__dirname, 'entry.js')],
        outfile: out,
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        target: 'es2016',
        legalComments: 'external',
        // As plotly.js's own build: one regl, and `global` is the window.
        alias: {regl: '@plotly/regl'},
        define: {global: 'window', 'define.amd': 'false'},
        banner: {
            js:
                '/*! plotly.js v' + version + ' (MIT license, see plotly.js-LICENSE), partial bundle: ' +
                traces + '; built by vizlib scripts/build-plotly-bundle */',
        },
        logLevel: 'info',
    })
    .then(function () {
        // CSS that map traces import is not part of this bundle.
        fs.rmSync(out.replace(/\.js$/, '.css'), {force: true});
        fs.renameSync(out + '.LEGAL.txt', path.join(vendor, 'plotly-partial.LEGAL.txt'));
        fs.copyFileSync(path.join(plotly, 'LICENSE'), path.join(vendor, 'plotly.js-LICENSE'));
        fs.writeFileSync(
            path.join(vendor, 'plotly-partial.json'),
            JSON.stringify({plotly_js: version, traces: ['scatter', 'bar', 'scattergl'], strict: true}, null, 2) + '\n'
        );
    })
    .catch(function () {
        process.exit(1);
    });
