// Merged under @ks-console/bootstrap's base config (configs/webpack.config.js is read by webpack.base.conf.js).
// The base config aliases `react/jsx-runtime` to `react/jsx-runtime.js`; React 18's exports map rejects that
// subpath, so point the `.js` names at absolute files (harmless on React 17, which has no exports map).
const path = require('path');

const reactDir = path.dirname(require.resolve('react/package.json', { paths: [path.resolve(__dirname, '..')] }));

module.exports = {
  resolve: {
    alias: {
      'react/jsx-runtime.js': path.join(reactDir, 'jsx-runtime.js'),
      'react/jsx-dev-runtime.js': path.join(reactDir, 'jsx-dev-runtime.js'),
    },
  },
};
