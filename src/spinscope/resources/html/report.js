(function(){
"use strict";
var data=JSON.parse(document.getElementById('spinscope-report').textContent);
var spans=data.spans, techs=data.techniques, hidden={}, box=document.getElementById('explain');
var article=document.querySelector('.article');
var marks=Array.prototype.slice.call(article.querySelectorAll('mark[data-s]'));
var PATTERNS=['pat-solid','pat-dashed','pat-dotted','pat-double','pat-wavy'];
function ids(m){return m.getAttribute('data-s').split(' ').map(Number);}
function el(tag,text,cls){var n=document.createElement(tag);if(text!==undefined)n.textContent=text;if(cls)n.className=cls;return n;}
/* Paint each piece with its innermost visible span, as the web page does; letters and a tab stop where a
   visible span starts; a piece with no visible span reads as plain text. */
function repaint(){
  marks.forEach(function(m){
    var at=Number(m.getAttribute('data-at'));
    var visible=ids(m).filter(function(i){return !hidden[spans[i].technique];});
    PATTERNS.forEach(function(p){m.classList.remove(p);});
    m.classList.toggle('off',!visible.length);
    m.classList.toggle('multi',visible.length>1);
    var letters=[];
    visible.forEach(function(i){var l=techs[spans[i].technique].letter;if(spans[i].start===at&&letters.indexOf(l)<0)letters.push(l);});
    if(letters.length){m.setAttribute('data-letters',letters.join(''));m.setAttribute('tabindex','0');}
    else{m.removeAttribute('data-letters');m.removeAttribute('tabindex');}
    if(!visible.length)return;
    visible.sort(function(a,b){return (spans[a].end-spans[a].start)-(spans[b].end-spans[b].start)||spans[b].score-spans[a].score;});
    var t=techs[spans[visible[0]].technique];
    m.style.setProperty('--c',t.colour);m.classList.add('pat-'+t.pattern);
  });
  document.querySelectorAll('.findings li[data-technique]').forEach(function(li){li.hidden=!!hidden[li.getAttribute('data-technique')];});
}
function show(m){
  var list=ids(m).filter(function(i){return !hidden[spans[i].technique];});
  if(!list.length)return;
  while(box.childNodes.length>1)box.removeChild(box.lastChild);
  marks.forEach(function(x){x.classList.remove('selected');});
  m.classList.add('selected');
  list.forEach(function(i){
    var s=spans[i],t=techs[s.technique],d=el('div',undefined,'detail');
    d.appendChild(el('h4','['+t.letter+'] '+t.title+' \u00b7 score '+Math.round(s.score*100)+' / 100'));
    if(s.layers)d.appendChild(el('p','Found by: '+s.layers,'muted'));
    d.appendChild(el('p','Definition: '+t.definition));
    var ul=el('ul');
    s.reasons.forEach(function(r){ul.appendChild(el('li',r));});
    d.appendChild(ul);
    box.appendChild(d);
  });
}
function target(e){return e.target.closest?e.target.closest('mark[data-s]'):null;}
article.addEventListener('click',function(e){var m=target(e);if(m)show(m);});
article.addEventListener('focusin',function(e){var m=target(e);if(m)show(m);});
article.addEventListener('keydown',function(e){var m=target(e);if(m&&(e.key==='Enter'||e.key===' ')){e.preventDefault();show(m);}});
var boxes=Array.prototype.slice.call(document.querySelectorAll('.legend input[data-technique]'));
boxes.forEach(function(cb){cb.addEventListener('change',function(){hidden[cb.getAttribute('data-technique')]=!cb.checked;repaint();});});
function setAll(on){boxes.forEach(function(cb){cb.checked=on;hidden[cb.getAttribute('data-technique')]=!on;});repaint();}
var sa=document.getElementById('show-all'),ha=document.getElementById('hide-all');
if(sa)sa.addEventListener('click',function(){setAll(true);});
if(ha)ha.addEventListener('click',function(){setAll(false);});
document.documentElement.className+=' js';
})();
