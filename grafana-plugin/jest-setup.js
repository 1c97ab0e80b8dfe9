// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// Ours: create-plugin's canvas stub returns nothing; Grafana's text measuring (BigValue,
// calculate-size) needs measureText.
HTMLCanvasElement.prototype.getContext = function getContext() {
  return { measureText: (text) => ({ width: text.length * 7, actualBoundingBoxAscent: 10, actualBoundingBoxDescent: 3 }), font: '' };
};
