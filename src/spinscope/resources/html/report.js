(function(){
var data=JSON.parse(document.getElementById('spinscope-report').textContent);
var spans=data.spans, box=document.getElementById('explain');
function show(el){
  var ids=el.getAttribute('data-s').split(' ');
  box.textContent='';
  ids.forEach(function(i){
    var s=spans[+i], p=document.createElement('p'), b=document.createElement('b');
    b.textContent=s.technique+' ('+s.score.toFixed(2)+'): ';
    p.appendChild(b);
    p.appendChild(document.createTextNode(s.explanation+' \u2014 '+(data.definitions[s.technique]||'')));
    box.appendChild(p);
  });
}
document.querySelectorAll('.sp').forEach(function(el){
  el.addEventListener('mouseenter',function(){show(el);});
  el.addEventListener('focus',function(){show(el);});
  el.addEventListener('click',function(){show(el);});
  el.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){show(el);e.preventDefault();}});
});
})();
