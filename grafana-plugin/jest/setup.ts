import '@testing-library/jest-dom';

// jsdom has no canvas: Grafana's text measuring (BigValue, calculate-size) only needs measureText.
HTMLCanvasElement.prototype.getContext = function getContext() {
  return { measureText: (text: string) => ({ width: text.length * 7, actualBoundingBoxAscent: 10, actualBoundingBoxDescent: 3 }), font: '' };
} as unknown as HTMLCanvasElement['getContext'];

// @grafana/ui reads matchMedia for theme and breakpoints.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }),
});
