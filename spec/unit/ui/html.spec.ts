import { escapeHtml, html, trusted } from '../../../src/ui/html';

describe('html', () => {
  it.each([
    ['a tag', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an attribute break-out', '" onmouseover="x', '&quot; onmouseover=&quot;x'],
    ['a single quote', "it's", 'it&#39;s'],
    ['an ampersand', 'a&b', 'a&amp;b'],
    ['a backtick', '`x`', '&#96;x&#96;'],
    ['plain text', 'postgres', 'postgres'],
  ])('escapes %s', (_name, input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
    expect(html`<td>${input}</td>`.text).toBe(`<td>${expected}</td>`);
  });

  it.each([
    ['null', null, '<b></b>'],
    ['undefined', undefined, '<b></b>'],
    ['false', false, '<b></b>'],
    ['a number', 3, '<b>3</b>'],
    ['true', true, '<b>true</b>'],
  ])('renders %s', (_name, value, expected) => {
    expect(html`<b>${value}</b>`.text).toBe(expected);
  });

  it('keeps nested html as markup but escapes strings inside arrays', () => {
    const items = ['<i>', 'b'].map((s) => html`<li>${s}</li>`);
    expect(html`<ul>${items}</ul>`.text).toBe('<ul><li>&lt;i&gt;</li><li>b</li></ul>');
    expect(html`<p>${['<x>', trusted('<br>')]}</p>`.text).toBe('<p>&lt;x&gt;<br></p>');
  });
});
